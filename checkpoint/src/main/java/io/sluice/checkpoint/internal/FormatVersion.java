package io.sluice.checkpoint.internal;

import io.sluice.core.SluiceException;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Checks the {@code format_version} of a stored item before anything else of it is read, so an item
 * written by a newer (or broken) build is refused by name instead of being misread.
 */
public final class FormatVersion {
  private FormatVersion() {}

  /**
   * @param what names the item in the message, e.g. "source offsets of pipeline orders in t"
   * @throws SluiceException if the item has no format version or another one than {@code supported}
   */
  public static void require(Map<String, AttributeValue> item, int supported, String what) {
    AttributeValue v = item.get("format_version");
    if (v == null || v.n() == null) {
      throw new SluiceException(
          what
              + ": no numeric format_version attribute, so not written by sluice (this build"
              + " reads version "
              + supported
              + ")");
    }
    if (!v.n().equals(Integer.toString(supported))) {
      throw new SluiceException(
          what
              + ": format version "
              + v.n()
              + ", but this build reads version "
              + supported
              + "; run the sluice version that wrote it, or a newer one");
    }
  }
}
