"""Content: pydantic models of lessons, questions and labs, and the loader that reads them."""
