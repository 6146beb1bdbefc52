"""Video: a clip of the face in, twitch events out (contract: contracts/video.md)."""
