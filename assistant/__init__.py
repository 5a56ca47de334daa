"""The Perimeter support assistant: a Lambda RAG handler on Bedrock behind three layers that keep card data out."""
