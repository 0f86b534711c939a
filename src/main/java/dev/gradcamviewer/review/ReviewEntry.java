package dev.gradcamviewer.review;

/**
 * One image's review: which file (name relative to the reviewed folder, and its SHA-256 so that a
 * changed file is noticed), the verdict and note, when, and what the reviewer was shown (model
 * name and SHA-256, layer, method, target label).
 */
public record ReviewEntry(String image, String imageSha256, Verdict verdict, String note, String time,
                          String modelName, String modelSha256, String layer, String method, String target) { }
