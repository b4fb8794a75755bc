"""Every write to a gang: transactional, permission-checked, audited, version-checked."""
