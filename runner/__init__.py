"""sop-runner: document Standard Operating Procedures as YAML and run cases through them."""

__version__ = "0.1.0"
