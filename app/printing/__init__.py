"""Labels, slips and manifests: documents (plain data) → ZPL / PDF / PNG → a transport (TCP 9100, lp, file)."""
