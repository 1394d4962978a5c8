package ai.avloc.dashboard.view;

import ai.avloc.schemas.SourcePeak;

/** One peak of an energy map: its cell, its position in the picture, value and contrast. */
public record PeakView(int row, int col, float u, float v, float value, float contrast) {
  public static PeakView of(SourcePeak peak) {
    return new PeakView(
        peak.getRow(),
        peak.getCol(),
        peak.getPosition().getU(),
        peak.getPosition().getV(),
        peak.getValue(),
        peak.getContrast());
  }
}
