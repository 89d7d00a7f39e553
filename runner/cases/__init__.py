"""Cases: the state machine built from an SOP (engine), the case service, ``verify`` and checkpoints."""
