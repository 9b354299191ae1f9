"""The book edition's tests: the site make book built, in Chromium too (make book-test)."""
