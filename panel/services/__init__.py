"""The panel's services: funding requests (`requests`), meetings and decisions (`meetings`), and
the documents a meeting issues (`documents`)."""
