"""Synthetic twitch clips with known answers, made by warping a real face photograph.

Run: python -m tools.twitchclips OUT_DIR [--count 50] [--seconds 10] [--seed 1]
                                        [--condition mixed|plain|NAME ...] [--held-out]
                                        [--phone h264|hevc] [--no-distractors]
Writes clip_NNN.mp4/.webm/.mov/.avi and clip_NNN.json (the truth). Clip n of a run uses seed
SEED*1000+n; seeds from HELD_OUT_FROM (900000) on are held out and refused without --held-out.

The face is scikit-image's `astronaut` photograph (public domain, NASA), by default scaled so
the eyes are ~130 px apart in a 1280x720 frame, as in a phone selfie. Twitches are local
smooth warps placed at Face Mesh landmarks measured once on the photograph:

- the upper eyelid drops over the eye (the fold above the margin moves with it, the eye
  below does not); the lower lid rises and draws in towards the nose, with the skin under it
  (the eye above it does not move): each lid of each eye apart, `lid` in the truth;
- the nasal ala flares up and out, the cheek rises, the mouth corner pulls out;
- shapes (`shape`): jerk (0.1-0.3 s), train (3-6 jerks over about a second, one event),
  pull (slow, 1-3 s), quiver (5-10 Hz for 0.5-2 s, a ripple running along the lid);
- on a share of clips a hemifacial spread: a lower-lid twitch, then the cheek and the
  mouth corner of the same side 0.05-0.3 s later (three twitches, `pattern: hemifacial`).

Blinks close both lids of both eyes and open them again; about a quarter stop part way
(incomplete), a few are long closures of 0.5-2 s; some fall 0.1-0.5 s from a lid twitch.
Blinks are never twitches. Distractors on every clip (unless --no-distractors): talking
(jaw and lips at 3-5 Hz, on half the clips), slow head rotation, translation and a yaw-like
squash, sensor noise, brightness drift, the codec.

Conditions (clipconditions.CONDITIONS), each a switch recorded in the truth with its
parameters; `mixed` (the default) draws 2-4 ordinary ones (one of the two face sizes at
most), `plain` none:
  face_size      eyes 90-200 px apart (for a frame 720 px on its short side), anywhere in it
  small_face     eyes 60-90 px apart (a webcam across a desk), anywhere in the frame
  lighting       a lamp to one side (a gradient across the face) and 2700-7500 K white balance
  skin_tone      the skin's lightness x0.45-1.12 and its redness and yellowness shifted
  low_light      20-40% of the light, the camera's gain, shot and read noise amplified with it
  motion_blur    2-4 quick head moves (up to 0.35 IOD in 0.2-0.45 s) blurred by the shutter
  occlusion      a hand at the chin or jaw, or hair over a temple or the forehead: never over
                 a measured region (a test checks every region and lid is clear)
  glasses        rims that move with the head, a lamp's reflection that slides over each lens
  compression    H.264 (VP8 in WebM) at 1-4 Mbit/s with a keyframe every 1-2 s, via ffmpeg
  talking        talking through 40-80% of the clip, over twitches and blinks
EXTREME (past what the goal asks): occlusion_over_region (a hand or hair over a twitching
region), very_low_light (5-10% of the light).

Truth file (clip_NNN.json), the first format's fields unchanged:
  clip, fps, seconds, talking [[start, end]], head_rotation_deg, head_shift_px, noise,
  brightness_drift, mirrored,
  twitches: [{region, side, onset_s, duration_s, amplitude, shape,
              lid (eyelid only), jerks (train), frequency_hz (quiver), pattern (hemifacial)}],
  blinks: [onset_s, ...] (every blink, complete or not),
  blink_events: [{onset_s, duration_s, complete, closed_s, depth}]  (depth: the share of the
              lid gap closed at the deepest; complete: depth >= 0.95; closed_s: seconds with
              the gap under a fifth of open, 0 for an incomplete blink),
  schema "twitchclips/2", seed, size, face_iod_px,
  conditions {name: bool for every condition}, condition_params {name: {...}}, extreme
  (true when any EXTREME condition is on).
Specs made by hand keep working: Twitch(region, side, onset_s, duration_s, amplitude) is a
jerk, of the upper lid when the region is eyelid; ClipSpec.blinks takes onsets or Blink.
"""

from tools.twitchclips.clipconditions import CONDITIONS, EXTREME, ORDINARY
from tools.twitchclips.cliprandom import (
    HELD_OUT_FROM,
    SPENT,
    TUNING_SEEDS,
    HeldOutSeedError,
    check_seed,
    random_spec,
    spent_range,
)
from tools.twitchclips.cliprender import PHONE_BITRATE, PHONE_CODECS, phone_copy, render, truth_of, write_clip
from tools.twitchclips.clipspec import LIDS, REGIONS, SHAPES, Blink, ClipSpec, Twitch

__all__ = [
    "CONDITIONS",
    "EXTREME",
    "HELD_OUT_FROM",
    "LIDS",
    "ORDINARY",
    "PHONE_BITRATE",
    "PHONE_CODECS",
    "REGIONS",
    "SHAPES",
    "SPENT",
    "TUNING_SEEDS",
    "Blink",
    "ClipSpec",
    "HeldOutSeedError",
    "Twitch",
    "check_seed",
    "phone_copy",
    "random_spec",
    "render",
    "spent_range",
    "truth_of",
    "write_clip",
]
