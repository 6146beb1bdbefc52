"""nasalis: assess, track, measure and understand nose and facial twitching."""

__version__ = "0.1.0"
