"""The article's knowledge as data: muscles, risk factors, drugs, lab ranges."""
