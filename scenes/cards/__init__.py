"""Title cards: the lecture's opening card and one per section."""
