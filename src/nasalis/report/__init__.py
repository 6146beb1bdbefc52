"""The doctor's report (HTML and PDF) and the FHIR export."""
