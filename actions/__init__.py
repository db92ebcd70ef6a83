"""Improvement actions (ISO 9001 §10): what the office did about what residents said, and whether it worked."""
