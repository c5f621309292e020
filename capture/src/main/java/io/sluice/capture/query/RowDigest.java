package io.sluice.capture.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * A 128-bit digest (MD5) of a row's values as text, NULL told apart from every text: what a poll
 * keeps of each row it read, to send again only rows that changed since the previous poll read
 * them. Not for security: two different rows share a digest with a chance of about 2^-128.
 */
public record RowDigest(long high, long low) {
  /** One MD5 per thread: a poll digests every row it reads. */
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(RowDigest::md5);

  /** The digest of the values, in order; a null value is SQL NULL. */
  public static RowDigest of(Collection<String> values) {
    MessageDigest md = MD5.get(); // digest() below resets it for the next row
    for (String v : values) {
      if (v == null) {
        md.update((byte) 0);
      } else {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        md.update((byte) 1);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
      }
    }
    ByteBuffer d = ByteBuffer.wrap(md.digest());
    return new RowDigest(d.getLong(), d.getLong());
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
