package io.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A container image in an OCI image layout tarball (what {@code jib:buildTar} writes with format
 * OCI): {@code index.json} names the manifest, the manifest the config and the layers, each a blob
 * under {@code blobs/sha256/}.
 */
final class OciImage implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TarFile tar;
  private final Map<String, TarArchiveEntry> entries = new TreeMap<>();
  private final JsonNode manifest;
  private final JsonNode config;

  OciImage(Path tarball) throws IOException {
    tar = new TarFile(tarball);
    for (TarArchiveEntry e : tar.getEntries()) {
      entries.put(e.getName(), e);
    }
    JsonNode index = json("index.json");
    if (index.path("manifests").size() != 1) {
      throw new IllegalStateException(tarball + ": expected one manifest in index.json: " + index);
    }
    manifest = blob(index.path("manifests").get(0).path("digest").asText());
    config = blob(manifest.path("config").path("digest").asText());
  }

  /** The image configuration: {@code config} (User, Entrypoint, Env, ...), {@code rootfs}. */
  JsonNode config() {
    return config;
  }

  /** The environment the image sets, {@code NAME -> value}. */
  Map<String, String> env() {
    Map<String, String> env = new TreeMap<>();
    for (JsonNode e : config.path("config").path("Env")) {
      String[] kv = e.asText().split("=", 2);
      env.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return env;
  }

  /** The digests of the layers, lowest first. */
  List<String> layerDigests() {
    List<String> digests = new ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      digests.add(l.path("digest").asText());
    }
    return digests;
  }

  /** A blob as a stream, for example a layer (still gzip-compressed) to unpack. */
  InputStream blobStream(String digest) throws IOException {
    TarArchiveEntry e = entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
    if (e == null) {
      throw new IllegalStateException("no blob " + digest + " in the image tarball");
    }
    return tar.getInputStream(e);
  }

  /** Every path the layers hold (leading {@code /}, no trailing one), over all layers. */
  Set<String> paths() {
    Set<String> paths = new LinkedHashSet<>();
    for (String digest : layerDigests()) {
      try (TarArchiveInputStream layer =
          new TarArchiveInputStream(new GZIPInputStream(blobStream(digest)))) {
        for (TarArchiveEntry e = layer.getNextEntry(); e != null; e = layer.getNextEntry()) {
          String name = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
          paths.add("/" + name);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading layer " + digest, e);
      }
    }
    return paths;
  }

  /** A file of a layer as text, from the highest layer that holds it. */
  String file(String path) throws IOException {
    List<String> digests = layerDigests();
    for (int i = digests.size() - 1; i >= 0; i--) {
      try (TarArchiveInputStream layer =
          new TarArchiveInputStream(new GZIPInputStream(blobStream(digests.get(i))))) {
        for (TarArchiveEntry e = layer.getNextEntry(); e != null; e = layer.getNextEntry()) {
          if (("/" + e.getName().replaceFirst("^\\./", "")).equals(path)) {
            return new String(layer.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          }
        }
      }
    }
    throw new IllegalStateException("no " + path + " in any layer");
  }

  private JsonNode blob(String digest) throws IOException {
    try (InputStream in = blobStream(digest)) {
      return JSON.readTree(in);
    }
  }

  private JsonNode json(String name) throws IOException {
    TarArchiveEntry e = entries.get(name);
    if (e == null) {
      throw new IllegalStateException("no " + name + " in the image tarball: not an OCI layout");
    }
    try (InputStream in = tar.getInputStream(e)) {
      return JSON.readTree(in);
    }
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
