"""Clinicians in the store: accounts, grants, single-use hashed codes, limits, access, audit, dashboard."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text, update

from nasalis.diary import accounts, clinic, clinic_rows
from nasalis.diary import store as store_module
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import Account, Assessment, ClinicCode, ClinicGrant, Day, Episode, Video, utcnow
from nasalis.diary.store import Store, open_store

HASH = accounts.hash_password("a long enough password")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def _people(store: Store) -> tuple[int, int, int]:
    """alice and bob (people) and drlee (a clinician)."""
    with store.write() as s:
        alice = accounts.create_account(s, "alice", HASH)
        bob = accounts.create_account(s, "bob", HASH)
        doctor = clinic.add_clinician(s, "drlee", HASH)
    return alice, bob, doctor


def test_a_clinician_is_an_account_with_the_role_and_the_admin_can_list_and_remove_it(store: Store) -> None:
    alice, _bob, doctor = _people(store)
    with store.read() as s:
        assert s.scalar(select(Account.role).where(Account.person_id == doctor)) == clinic.CLINICIAN
        assert s.scalar(select(Account.role).where(Account.person_id == alice)) == clinic.PERSON
    with store.write() as s:
        clinic.grant_by_name(s, alice, "DrLee", ["summary"])
    with store.read() as s:
        assert [(c.username, c.people) for c in clinic.list_clinicians(s)] == [("drlee", 1)]
    with store.write() as s, pytest.raises(clinic.ClinicError) as refused:
        clinic.remove_clinician(s, "alice")  # a person's account is not the admin command's
    assert refused.value.field == "name"
    with store.write() as s:
        clinic.remove_clinician(s, "drlee")
    with store.read() as s:
        assert clinic.list_clinicians(s) == []
        assert clinic.grants_of(s, alice) == []
        # The person's log still says who looked, after the account is gone.
        assert [line.clinician for line in clinic.audit_of(s, alice)] == ["drlee"]


def test_a_grant_by_name_reaches_only_clinicians_and_only_its_scopes(store: Store) -> None:
    alice, bob, doctor = _people(store)
    with store.write() as s:
        for name in ("bob", "nobody"):  # a person's name answers like a missing one
            with pytest.raises(clinic.ClinicError) as refused:
                clinic.grant_by_name(s, alice, name, ["summary"])
            assert refused.value.field == "clinician"
        for scopes in ([], ["everything"]):
            with pytest.raises(clinic.ClinicError) as refused:
                clinic.grant_by_name(s, alice, "drlee", scopes)
            assert refused.value.field == "scopes"
        grant_id = clinic.grant_by_name(s, alice, "drlee", ["videos", "summary"])
    with store.read() as s:
        assert clinic.access(s, doctor, alice, "summary").scopes == ("summary", "videos")
        with pytest.raises(NotFoundError):
            clinic.access(s, doctor, alice, "diary")
        with pytest.raises(NotFoundError):
            clinic.access(s, doctor, bob)
        with pytest.raises(NotFoundError):
            clinic.access(s, bob, alice)  # a person holds no grant of anyone
    with store.write() as s, pytest.raises(NotFoundError):
        clinic.revoke(s, bob, grant_id)  # bob cannot revoke alice's grant
    with store.write() as s:
        clinic.revoke(s, alice, grant_id)
    with store.read() as s:
        with pytest.raises(NotFoundError):
            clinic.access(s, doctor, alice)
        assert [line.action for line in clinic.audit_of(s, alice)] == ["revoke", "grant"]
        assert clinic.audit_of(s, bob) == []


def test_codes_are_single_use_expire_and_only_their_hash_is_stored(store: Store, db_url: str) -> None:
    alice, bob, doctor = _people(store)
    with store.write() as s:
        code = clinic.make_code(s, doctor)
        old = clinic.make_code(s, doctor)
    assert len(clinic.normalise_code(code)) == clinic.CODE_LENGTH
    assert set(clinic.normalise_code(code)) <= set(clinic.CODE_ALPHABET)
    with store.read() as s:
        stored = [str(v) for row in s.execute(text("SELECT * FROM clinic_codes")) for v in row]
    assert not any(clinic.normalise_code(code) in v or code in v for v in stored)
    with store.write() as s:
        digest = hashlib.sha256(clinic.normalise_code(old).encode()).hexdigest()
        past = utcnow() - dt.timedelta(seconds=1)
        s.execute(update(ClinicCode).values(expires_at=past).where(ClinicCode.code_hash == digest))
    with store.write() as s:
        clinic.redeem_code(s, alice, code.lower().replace("-", " "), ["diary"])  # read aloud, typed loosely
    for who, which in ((bob, code), (alice, code), (bob, old)):
        with store.write() as s, pytest.raises(clinic.ClinicError) as refused:
            clinic.redeem_code(s, who, which, ["summary"])
        assert refused.value.field == "code"
    with store.read() as s:
        assert clinic.access(s, doctor, alice, "diary").scopes == ("diary",)
        with pytest.raises(NotFoundError):
            clinic.access(s, doctor, bob)


def test_redeeming_codes_is_limited_per_person_and_per_client(store: Store) -> None:
    alice, bob, _doctor = _people(store)
    for _ in range(clinic.MAX_CODE_TRIES):
        with store.write() as s:
            clinic.begin_redeem(s, alice, "192.0.2.1")
    for who, client in ((alice, "198.51.100.7"), (bob, "192.0.2.1")):
        with store.write() as s, pytest.raises(clinic.ClinicError) as refused:
            clinic.begin_redeem(s, who, client)
        assert "too many" in refused.value.message
    with store.write() as s:
        clinic.begin_redeem(s, bob, "198.51.100.7")  # someone else, elsewhere, is not held up


def test_the_dashboard_puts_emergency_and_urgent_first_and_shows_only_granted_scopes(store: Store) -> None:
    today = dt.date(2026, 3, 1)
    with store.write() as s:
        doctor = clinic.add_clinician(s, "drlee", HASH)
        people = {name: accounts.create_account(s, name, HASH) for name in ("ann", "ben", "cat", "dan")}
        levels = {
            "ann": ("self_care", 2),
            "ben": ("urgent", 20),
            "cat": ("emergency", 30),
            "dan": ("appointment", 1),
        }
        for name, (level, days_ago) in levels.items():
            at = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9))
            s.add(Assessment(person_id=people[name], at=at, level=level, intake={}, result={}))
            clinic.grant_by_name(s, people[name], "drlee", ["summary"] if name != "dan" else ["videos"])
        ann = people["ann"]
        for back in range(14):  # two weeks of check-ins, 3 twitches a day
            day = today - dt.timedelta(days=back)
            s.add(Day(person_id=ann, date=day))
            for i in range(3):
                s.add(
                    Episode(
                        person_id=ann,
                        started_at_utc=dt.datetime.combine(day, dt.time(8 + i)),
                        utc_offset_min=0,
                    )
                )
        s.add(Video(person_id=people["dan"], filename="clip.mp4", status="done"))
    with store.read() as s:
        rows = clinic_rows.dashboard(s, doctor, today)
    assert [r.grant.person for r in rows][:2] == ["cat", "ben"]
    assert [r.grant.person for r in rows][2:] == ["ann", "dan"]  # dan's level is not granted: no date
    by_name = {r.grant.person: r for r in rows}
    assert by_name["ann"].weekly_rate[-2:] == (3.0, 3.0)
    assert by_name["ann"].weekly_rate[0] is None
    assert by_name["ann"].last_check_in == today
    assert by_name["ann"].new_videos is None
    assert by_name["dan"].level is None
    assert by_name["dan"].weekly_rate == ()
    assert by_name["dan"].new_videos == 1
    with store.write() as s:
        clinic.mark_seen(s, by_name["dan"].grant.id)
    with store.read() as s:
        assert clinic_rows.row_of(s, clinic.access(s, doctor, people["dan"]), today).new_videos == 0


def test_the_upgrade_keeps_existing_accounts_as_people(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = open_store(f"sqlite:///{path}", upgrade=False)
    config = Config()
    config.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    with old.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011")  # a schema before clinicians, however the lead chains 0012
        connection.execute(
            text("INSERT INTO people (id, handle, created_at) VALUES (1, 'account:old', '2026-01-01')")
        )
        connection.execute(
            text(
                "INSERT INTO accounts (person_id, username, password_hash, created_at)"
                " VALUES (1, 'old', :h, '2026-01-01')"
            ),
            {"h": HASH},
        )
    old.close()
    upgraded = open_store(f"sqlite:///{path}")
    assert store_module.schema_version(upgraded) == store_module.SCHEMA_HEAD
    with upgraded.read() as s:
        assert s.scalar(select(Account.role).where(Account.username == "old")) == clinic.PERSON
    upgraded.close()


def test_revoking_ends_every_live_grant_of_the_pair(store: Store) -> None:
    """Two grants made by requests racing each other: revoking one must not leave the other open."""
    alice, _bob, doctor = _people(store)
    with store.write() as s:
        first = clinic.grant_by_name(s, alice, "drlee", ["summary"])
        s.add(
            ClinicGrant(person_id=alice, clinician_id=doctor, scopes=["summary", "diary"])
        )  # the race's twin
    with store.write() as s:
        clinic.revoke(s, alice, first)
    with store.read() as s, pytest.raises(NotFoundError):
        clinic.access(s, doctor, alice)
