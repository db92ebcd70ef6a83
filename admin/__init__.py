"""The staff side: login, managing the office's structure, surveys and objectives, QR codes and posters.

``auth`` holds login/logout (``/login``, ``/logout``); ``routes`` the management pages under ``/admin``.
Who may do what is decided only in ``survey.permissions``; business rules live in ``admin.services``.
"""
