"""Pathway models: children and their network, phases, referrals, participation and stored answers."""

from matcher.pathways.models.children import (  # noqa: F401
    GENDERS,
    Child,
    NetworkPerson,
)
from matcher.pathways.models.idempotency import (  # noqa: F401
    MAX_KEY_LENGTH,
    IdempotentRequest,
)
from matcher.pathways.models.phases import (  # noqa: F401
    BRIDGE_TARGETS,
    CLOSING_REASONS,
    PHASE_KINDS,
    Phase,
    phase_network_persons,
)
from matcher.pathways.models.referrals import (  # noqa: F401
    ACCOMPANIED_BY,
    END_REASONS,
    REFERRAL_STATUSES,
    Participation,
    Referral,
    ReferralEvent,
)
from matcher.pathways.models.warnings import (  # noqa: F401
    WARNING_ACTIONS,
    WarningAction,
)
