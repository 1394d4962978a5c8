package ai.avloc.dashboard.view;

import ai.avloc.schemas.ImagePoint;

/** A point in normalized image coordinates (u from the left, v from the top). */
public record Position(float u, float v) {
  public static Position of(ImagePoint p) {
    return p == null ? null : new Position(p.getU(), p.getV());
  }

  public ImagePoint toImagePoint() {
    return new ImagePoint(u, v);
  }
}
