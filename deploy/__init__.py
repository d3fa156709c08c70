"""The one-machine layout: app replicas behind nginx (deploy/serve.py)."""
