"""Who sees the council's own data: the viewer's role, from the sign-in token's claims.

Sign-in is off by default (``[sign_in] enabled = false`` in data/config.toml): everyone is
then ``EVERYONE``, who sees everything, as before sign-in existed. With it on, a visitor who
has not signed in is ``public`` (the DfE's published data only); a signed-in user's role
comes from the groups in their token, mapped in ``[sign_in.roles]``:

- ``public``: published data only;
- ``school``: school staff and partnership chairs: also the council's own data for their
  own partnership (its schools and the partnership), from the token's partnership claim;
- ``analyst``: all of the council's data.

Everything is still suppressed for every role. The query layer applies the rule
(queries.access); pages only say why something is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PUBLIC, SCHOOL, ANALYST = "public", "school", "analyst"
#: Least to most: a user in groups of several roles gets the last of them.
ROLES: tuple[str, ...] = (PUBLIC, SCHOOL, ANALYST)
ROLE_LABELS: dict[str, str] = {
    PUBLIC: "Public: published data only",
    SCHOOL: "School staff: the council's data for your partnership",
    ANALYST: "Council analyst: all the council's data",
}


@dataclass(frozen=True)
class Viewer:
    role: str
    #: ``school`` only: the partnership whose council data the viewer may see.
    partnership: str | None = None
    #: Sign-in on but not signed in (the page offers to sign in).
    anonymous: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Not a role: {self.role!r} (roles: {', '.join(ROLES)})")

    @property
    def sees_all_council_data(self) -> bool:
        return self.role == ANALYST

    @property
    def sees_some_council_data(self) -> bool:
        return self.role == ANALYST or (self.role == SCHOOL and self.partnership is not None)

    @property
    def key(self) -> str:
        """One string per distinct view of the data (cache keys, the connection's variable)."""
        if self.role == SCHOOL and self.partnership is not None:
            return f"{SCHOOL}:{self.partnership}"
        return self.role if self.role != SCHOOL else PUBLIC

    @classmethod
    def from_key(cls, key: str | None) -> Viewer:
        """The viewer a key stands for; no key (a connection nobody scoped: the command line,
        the ETL, the tests) sees everything, like the council's own files."""
        if key is None:
            return EVERYONE
        role, _, partnership = key.partition(":")
        return cls(role, partnership or None)


#: Sign-in off, or the command line: every figure the warehouse holds (still suppressed).
EVERYONE = Viewer(ANALYST)
#: Sign-in on, not signed in.
ANONYMOUS = Viewer(PUBLIC, anonymous=True)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return [str(value)]


def viewer_from_claims(
    claims: Mapping[str, Any],
    roles: Mapping[str, str],
    groups_claim: str = "groups",
    partnership_claim: str = "partnership",
) -> Viewer:
    """A signed-in user's viewer: the highest role any of their groups maps to (public
    when none does); a school role without exactly one partnership sees no council data."""
    ranked = [ROLES.index(roles[g]) for g in _strings(claims.get(groups_claim)) if g in roles]
    role = ROLES[max(ranked)] if ranked else PUBLIC
    if role != SCHOOL:
        return Viewer(role)
    partnerships = _strings(claims.get(partnership_claim))
    return Viewer(SCHOOL, partnerships[0] if len(partnerships) == 1 else None)
