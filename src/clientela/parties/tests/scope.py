"""Which of conftest's parties each persona may see: the access rules as one table.

`matriz` is the manager's party in Matriz, `own` agent_own's in Matriz, `filial`
agent_unit_b's in Filial Campinas. Pages, API and search tests all check against it.
"""

VISIBLE_PARTIES = {
    "agent_own": {"own"},
    "agent_unit_b": {"filial"},
    "manager": {"matriz", "own"},
    "agent_all": {"matriz", "own", "filial"},
    "admin": {"matriz", "own", "filial"},
}
