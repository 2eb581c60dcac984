"""The activity types a new installation starts with (also after a flush, as tests do)."""

# slug, English, Portuguese, colour, icon: what a small service business logs most.
DEFAULT_TYPES = [
    ("call", "Phone call", "Ligação", "#1d4ed8", "phone"),
    ("visit", "Visit", "Visita", "#047857", "visit"),
    ("email", "E-mail", "E-mail", "#7c3aed", "mail"),
    ("meeting", "Meeting", "Reunião", "#b45309", "meeting"),
    ("whatsapp", "WhatsApp", "WhatsApp", "#15803d", "chat"),
    ("analysis", "Analysis", "Análise", "#0e7490", "search"),
    ("after-sales", "After-sales", "Pós-venda", "#be185d", "handshake"),
    ("technical-assistance", "Technical assistance", "Assistência técnica", "#b91c1c", "wrench"),
    ("other", "Other", "Outro", "#4b5563", "dot"),
]


def seed_default_types(model, using: str) -> None:
    """Create the default types when there are none at all (never over an admin's choices)."""
    manager = model.objects.using(using)
    if manager.exists():
        return
    manager.bulk_create(
        model(slug=slug, name=name, name_pt_br=pt, color=color, icon=icon, order=i * 10)
        for i, (slug, name, pt, color, icon) in enumerate(DEFAULT_TYPES, start=1)
    )
