"""The child's EHC plan for life: its versions (sections A-K as entries traced to advice), the
checks, and the issued documents and letters with their render queue."""
