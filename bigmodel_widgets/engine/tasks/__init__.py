"""The application chapters' engines: vision, NLP, speech. No UI imports."""

__all__: list[str] = []
