"""The county-line definition's gaps, read through the hook kentsoc.intel fills (see
ocg.definition): activation refuses a line with gaps; the pages and the API list them."""

from ocg.definition import DefinitionHook

line_definition = DefinitionHook("county line")
