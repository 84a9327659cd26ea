"""Block Kit views: pure functions that return dicts (messages, the App Home, modals, buttons,
charts), each form beside what reads and checks it (its draft, its field errors)."""
