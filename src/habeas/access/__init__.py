"""Who may do what: roles and permissions (:mod:`.policy`) and accounts (:mod:`.users`).

This is library code: the web application, the API and (later) the CLI,
exports and reports all ask :func:`habeas.access.policy.allowed`.
"""
