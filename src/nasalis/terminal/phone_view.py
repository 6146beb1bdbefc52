"""What `nasalis phone` prints: the address to open on the phone, its QR code, the certificate."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from rich.console import Console
from rich.text import Text


def qr_lines(url: str) -> str:
    """The QR code of `url` in Unicode half blocks (two rows of modules per line of text)."""
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def show_address(
    console: Console, url: str, root: Path, help_path: str, fingerprint: str | None = None
) -> None:
    """The address (as text and as a QR code), the root certificate to trust, and how to stop."""
    console.print(Text("Open this on your phone (same Wi-Fi):", style="bold"))
    console.print(Text(url, style="bold cyan"), soft_wrap=True)
    # Printed as it is, not through Rich: a wrapped or restyled line breaks the code.
    console.file.write(qr_lines(url))
    console.file.flush()
    console.print(
        Text.assemble(
            "The phone must trust this computer's certificate first: ",
            (str(root), "bold"),
            *(
                (
                    "\nIts SHA-256 fingerprint (the phone and the help page must show the same): ",
                    (fingerprint, "bold"),
                )
                if fingerprint
                else ()
            ),
            f"\nStep by step for Android and iPhone: {url.rstrip('/')}{help_path} (also under Settings).",
        ),
        soft_wrap=True,
    )
    console.print("Press Ctrl-C to stop.")
