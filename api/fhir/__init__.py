"""The FHIR R4 export over HTTP."""
