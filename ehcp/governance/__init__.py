"""Information governance: who may see what, the read audit, disclosures, break-glass access and
security incidents."""
