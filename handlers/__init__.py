"""Front ends: each turns what a person typed into an answer (`bot.answers`) and renders it."""
