"""Language tools shared by drafting and translation: normalisation, segmentation, spelling, counting."""
