"""What residents write: personal data removed before storing, a codebook of themes, manual tags, retention.

- ``redaction``: pure patterns that replace personal data by markers (``[PESEL]``);
- ``models``: the codebook, manual tags, counts of removed data, suggested themes;
- ``queries``: the package's SQL; ``services``: the rules (audit, cache, codebook, themes of a scope);
- ``retention``: emptying old comments, with a hook for comments that must be kept;
- ``views``: thin pages under ``/comments``; ``cli``: ``themes``, ``purge-comments``, ``redact-comments``,
  ``suggest-themes``.
"""
