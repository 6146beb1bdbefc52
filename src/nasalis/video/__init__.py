"""Video: a clip of the face in, twitch events out (format: docs/schemas/video.json)."""
