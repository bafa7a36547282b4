"""Scanner input: burst decoding (no Qt), serial readers, and understanding what a scan is."""
