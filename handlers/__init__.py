"""Front ends: each turns what a person typed into an answer through `bot.answers`, then renders it."""
