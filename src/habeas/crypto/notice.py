"""What enabling encryption means, said before it is enabled (English and Spanish).

The faces show :func:`loss_warning` and ask for confirmation before
:func:`habeas.encryption.enable` runs.
"""

from __future__ import annotations

from habeas.i18n import gettext_for


def _(message: str) -> str:  # marks the messages for extraction; translated in loss_warning
    return message


WARNING = (
    _(
        "Encryption protects restricted and witness-protected files and fields with a key "
        "that only your passphrase (or the deployment's key file) opens. habeas never stores "
        "the passphrase or the key."
    ),
    _(
        "If the passphrase or the key file is lost, the protected data cannot be read by "
        "anyone, ever: not by you, not by the people who make habeas, not with any tool. "
        "There is no recovery."
    ),
    _(
        "Keep the passphrase (or a copy of the key file) somewhere safe and apart from the "
        "workspace and its backups, for example written on paper kept by a second trusted "
        "person."
    ),
)
CONFIRM = _("Enable encryption on this workspace now?")


def loss_warning(lang: str = "en") -> str:
    """The warning, one paragraph per line, in ``lang``."""
    translate = gettext_for(lang)
    return "\n\n".join(translate(paragraph) for paragraph in WARNING)


def confirm_question(lang: str = "en") -> str:
    return str(gettext_for(lang)(CONFIRM))
