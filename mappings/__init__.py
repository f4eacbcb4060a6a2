"""The Well-Architected lens catalogue, the check-to-choice mapping, and the suggestions built on them."""
