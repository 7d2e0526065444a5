package langchaingohelper

// Idle reports whether the handler holds no open span (for tests).
func (h *Handler) Idle() bool { return h.open.empty() && h.ending.Load() == 0 }
