"""`perimeter verify`: read-only checks of the deployed stack under the preview's control ids."""
