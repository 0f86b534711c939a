package dev.gradcamviewer.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcamviewer.atlas.AtlasReduction;
import dev.gradcamviewer.atlas.LocalisationReduction;
import dev.gradcamviewer.atlas.MapStatistics;
import dev.gradcamviewer.cam.CamMethod;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * atlas's report.html: one self-contained page (styles inline, images embedded as data URIs) that
 * opens in a browser with no network: what was flagged, the tables per predicted label, true label
 * and outcome with their mean maps, and the most flagged images with their heat.
 */
public final class AtlasReport {
    private final JsonNode atlas;
    private final List<AtlasReduction.Summary> summaries;
    private final List<LocalisationReduction.Summary> located;
    private final Map<AtlasReduction.Key, AtlasOutputs.MeanMapFile> meanMaps;
    private final FlaggedThumbnails thumbs;
    private final List<String> layers;
    private final List<CamMethod> methods;

    AtlasReport(JsonNode atlas, List<AtlasReduction.Summary> summaries, List<LocalisationReduction.Summary> located,
                Map<AtlasReduction.Key, AtlasOutputs.MeanMapFile> meanMaps, FlaggedThumbnails thumbs, List<String> layers, List<CamMethod> methods) {
        this.located = located;
        this.atlas = atlas;
        this.summaries = summaries;
        this.meanMaps = meanMaps;
        this.thumbs = thumbs;
        this.layers = layers;
        this.methods = methods;
    }

    String html() throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Atlas: ").append(esc(atlas.path("model").path("name").asText()))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1d1d1f;max-width:1400px}h1{font-size:22px}h2{font-size:18px;margin-top:28px}")
                .append("table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right;vertical-align:middle}")
                .append("th{background:#f3f3f5}td.l,th.l{text-align:left}tr.flag td{background:#fff1f0}.base{color:#888}")
                .append(".warn{background:#fff1f0;border-left:4px solid #d93025;padding:6px 10px;margin:4px 0}.note{background:#f4f6fb;border-left:4px solid #7a8bb5;padding:6px 10px;margin:4px 0}")
                .append(".partial{background:#fff7d6;border:1px solid #e0b400;padding:8px}.grid{display:flex;flex-wrap:wrap;gap:12px}")
                .append("figure{margin:0;width:232px;font-size:12px;overflow-wrap:anywhere}figure img{max-width:224px;max-height:224px;display:block}img.mean{width:96px;height:auto}")
                .append("p.small{font-size:12px;color:#555;max-width:1000px}\n</style></head><body>\n");
        b.append("<h1>Where the model looks: ").append(esc(atlas.path("model").path("name").asText())).append("</h1>\n");
        b.append("<p>").append(atlas.path("images_done").asInt()).append(" of ").append(atlas.path("images").asInt()).append(" images done, ")
                .append(atlas.path("images_failed").asInt()).append(" failed; layer ").append(esc(String.join(", ", layers))).append("; methods ")
                .append(esc(String.join(", ", methods.stream().map(CamMethod::displayName).toList()))).append("; model ")
                .append(esc(atlas.path("model").path("file").asText())).append(" (SHA-256 ").append(esc(atlas.path("model").path("sha256").asText().substring(0, 12)))
                .append("…); ").append(esc(atlas.path("created").asText())).append(".</p>\n");
        if (atlas.path("partial").asBoolean()) {
            b.append("<p class=\"partial\">Partial: the run was stopped before every image was done; these figures are of the images done.</p>\n");
        }
        b.append("<h2>Findings</h2>\n");
        int lines = 0;
        for (AtlasReduction.Summary s : summaries) {
            String text = AtlasOutputs.describe(s);
            if (text == null) continue;
            boolean flaggable = AtlasOutputs.flaggable(s.key());
            if (flaggable && s.flagged()) {
                b.append("<div class=\"warn\">Flagged: ").append(esc(text)).append("</div>\n");
                lines++;
            } else if (!flaggable && s.flaggedImages() * 4 >= s.images() && s.flaggedImages() > 0) {
                b.append("<div class=\"note\">").append(esc(text)).append(": a label that means no finding has no place of its own, so this is not flagged.</div>\n");
                lines++;
            }
        }
        if (lines == 0) b.append("<p>Nothing flagged: no label's maps peak outside the body or in the border band on a quarter of its images, or at one spot.</p>\n");
        for (AtlasReduction.By by : AtlasReduction.By.values()) {
            List<AtlasReduction.Summary> of = summaries.stream().filter(s -> s.key().by() == by).toList();
            if (of.isEmpty()) continue;
            b.append("<h2>").append(switch (by) {
                case PREDICTED -> "By predicted label";
                case TRUTH -> "By true label";
                case OUTCOME -> "By outcome";
            }).append("</h2>\n");
            table(b, of);
        }
        if (!located.isEmpty()) {
            b.append("<h2>Localisation against the ground truth</h2>\n<table><tr><th class=\"l\">label</th><th class=\"l\">method</th>")
                    .append("<th class=\"l\">layer</th><th>images</th><th>hit rate</th><th>IoU</th><th>mass inside</th><th>ROC AUC</th></tr>\n");
            for (LocalisationReduction.Summary l : located) {
                b.append("<tr><td class=\"l\">").append(esc(l.key().label())).append("</td><td class=\"l\">").append(esc(l.key().method()))
                        .append("</td><td class=\"l\">").append(esc(l.key().layer())).append("</td><td>").append(l.images()).append("</td><td>")
                        .append(pct(l.hitRate())).append(" <span class=\"base\">").append(pct(l.randomHitRate())).append("</span></td><td>")
                        .append(String.format(Locale.ROOT, "%.3f", l.iou())).append(" <span class=\"base\">").append(String.format(Locale.ROOT, "%.3f", l.randomIou()))
                        .append("</span></td><td>").append(pct(l.massInside())).append(" <span class=\"base\">").append(pct(l.randomMassInside()))
                        .append("</span></td><td>").append(Double.isNaN(l.auc()) ? "–" : String.format(Locale.ROOT, "%.3f", l.auc())).append("</td></tr>\n");
            }
            b.append("</table>\n<p class=\"small\">Best first within each label. In grey: the random map's (a fixed-seed uniform map). Hit rate: the map's ")
                    .append("peak inside a box (the pointing game); IoU: the map min-max normalised and cut at its Otsu threshold (CheXlocalize's way) against ")
                    .append("the boxes; mass inside: the share of its heat in them; ROC AUC: the map's values as a score for the boxes' pixels.</p>\n");
        }
        b.append("<h2>The most flagged images</h2>\n");
        boolean any = false;
        for (String layer : layers) {
            for (CamMethod m : methods) {
                List<FlaggedThumbnails.Thumbnail> t = thumbs.of(layer, m.id());
                if (t.isEmpty()) continue;
                any = true;
                b.append("<h3>").append(esc(m.displayName())).append(", ").append(esc(layer)).append("</h3>\n<div class=\"grid\">\n");
                for (FlaggedThumbnails.Thumbnail th : t) {
                    MapStatistics s = th.statistics();
                    b.append("<figure><img alt=\"").append(esc(th.image())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(th.png())).append("\"><figcaption title=\"").append(esc(th.image())).append("\">")
                            .append(esc(fileName(th.image()))).append("<br>predicted ").append(esc(th.predicted())).append("; ")
                            .append(pct(s.heatOutsideBody())).append(" of the heat outside the body")
                            .append(s.peakOutsideBody() ? "; peak outside the body" : "").append(s.peakInBorder() ? "; peak in the border band" : "")
                            .append("</figcaption></figure>\n");
                }
                b.append("</div>\n");
            }
        }
        if (!any) b.append("<p>No image was flagged.</p>\n");
        b.append("<h2>What the figures mean</h2>\n<p class=\"small\">Heat is the map placed on the original image. <b>Outside body</b>: the share of the heat outside ")
                .append("the largest region brighter than the image's Otsu threshold, its holes filled (tags and markers are separate bright regions, so outside). ")
                .append("<b>Border</b>: the share in the outer 5 % band on each side. <b>Mask</b>: the share inside the mask given for the image. In grey beside each, ")
                .append("the same share for a uniform map over the model's crop: the baseline. <b>Peak</b> columns: the share of the images whose map's maximum lies there. ")
                .append("<b>Fixed spot</b>: the share whose peak lies within a tenth of the image's diagonal of the group's median peak (a finding moves from ")
                .append("patient to patient, a tag does not). Means are over the images whose map shows heat; <b>no heat</b> is the share of images whose map is zero ")
                .append("everywhere (no evidence shown), never averaged in. An image is flagged when its peak lies outside the body or in the band, or more than ")
                .append("half its heat is outside the body; a label when a quarter of its images are, or when its fixed spot is 0.8 or more over at least ")
                .append(AtlasReduction.MIN_FOR_SPOT).append(" images. Mean maps: every map in the model's input frame, averaged and scaled to its maximum, over the mean input.</p>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    private void table(StringBuilder b, List<AtlasReduction.Summary> rows) throws IOException {
        b.append("<table><tr><th class=\"l\">label</th><th class=\"l\">method</th><th class=\"l\">layer</th><th>images</th><th>no heat</th>")
                .append("<th>outside body</th><th>border</th><th>mask</th><th>peak outside body</th><th>peak in border</th><th>peak in mask</th>")
                .append("<th>fixed spot</th><th>flagged images</th><th>mean map</th></tr>\n");
        for (AtlasReduction.Summary s : rows) {
            boolean flag = AtlasOutputs.flaggable(s.key()) && s.flagged();
            b.append("<tr").append(flag ? " class=\"flag\"" : "").append("><td class=\"l\">").append(esc(s.key().label())).append(flag ? " ⚑" : "")
                    .append("</td><td class=\"l\">").append(esc(s.key().method())).append("</td><td class=\"l\">").append(esc(s.key().layer()))
                    .append("</td><td>").append(s.images()).append("</td><td>").append(pct(s.noHeat())).append("</td><td>").append(pct(s.heatOutsideBody()))
                    .append(" <span class=\"base\">").append(pct(s.uniformOutsideBody())).append("</span></td><td>").append(pct(s.heatInBorder()))
                    .append(" <span class=\"base\">").append(pct(s.uniformBorder())).append("</span></td><td>").append(pct(s.heatInMask()))
                    .append(" <span class=\"base\">").append(pct(s.uniformMask())).append("</span></td><td>").append(pct(s.peakOutsideBody()))
                    .append("</td><td>").append(pct(s.peakInBorder())).append("</td><td>").append(pct(s.peakInMask())).append("</td><td>")
                    .append(pct(s.fixedSpot())).append("</td><td>").append(s.flaggedImages()).append("</td><td>");
            AtlasOutputs.MeanMapFile file = meanMaps.get(s.key());
            if (file != null) {
                b.append("<img class=\"mean\" alt=\"mean map\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(file.png())).append("\">");
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
