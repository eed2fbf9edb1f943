"""The Gymnasium environments, their spaces, rendering and registration."""
