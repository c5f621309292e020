package io.sluice.embedded;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local 2.6 serving HTTP on a free loopback port inside this JVM: in-memory, one database
 * shared by every access key and region, no telemetry.
 *
 * <p>Clients use {@link #endpoint()} as endpoint override with any region and any static
 * credentials. Tables vanish at {@link #close()}.
 *
 * <p>DynamoDB Local's own launcher ({@code ServerRunner}) can bind neither loopback only nor an
 * OS-chosen port, prints its configuration to stdout and sets up telemetry; so this class mounts
 * the same request handler ({@code -inMemory -sharedDb}) on its own Jetty connector. Telemetry is
 * never configured on this path, whatever {@code DDB_LOCAL_TELEMETRY} says.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamoDb.class);
  private static final String HOST = "127.0.0.1";

  private final Server server;
  private final ServerConnector connector;
  private final LocalDynamoDBServerHandler handler;
  private final int port;

  private EmbeddedDynamoDb(
      Server server, ServerConnector connector, LocalDynamoDBServerHandler handler, int port) {
    this.server = server;
    this.connector = connector;
    this.handler = handler;
    this.port = port;
  }

  /**
   * Starts the server and returns once it accepts connections.
   *
   * @throws IllegalStateException if DynamoDB Local cannot be created or bound
   */
  public static EmbeddedDynamoDb start() {
    LocalDynamoDBServerHandler handler;
    try {
      // The same handler ServerRunner builds for "-inMemory -sharedDb": (unused port, inMemory,
      // dbPath, sharedDb, delayTransientStatuses), and no CORS.
      handler =
          new LocalDynamoDBServerHandler(
              new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
    } catch (Exception e) {
      throw new IllegalStateException("Could not create DynamoDB Local", e);
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(HOST);
    connector.setPort(0);
    server.addConnector(connector);
    ContextHandler context = new ContextHandler();
    context.setHandler(handler);
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server, handler);
      throw new IllegalStateException("Could not start DynamoDB Local on " + HOST, e);
    }
    EmbeddedDynamoDb dynamoDb =
        new EmbeddedDynamoDb(server, connector, handler, connector.getLocalPort());
    LOG.info("DynamoDB Local listening on {}", dynamoDb.endpoint());
    return dynamoDb;
  }

  /** {@code http://127.0.0.1:<port>}, for the SDK client's {@code endpointOverride}. */
  public URI endpoint() {
    return URI.create("http://" + HOST + ":" + port);
  }

  public int port() {
    return port;
  }

  /**
   * An outage: stops accepting connections (clients see connection refused), keeping the tables.
   */
  public void interrupt() {
    try {
      connector.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Could not stop the connector of " + this, e);
    }
    LOG.info("DynamoDB Local at {} stopped accepting connections", endpoint());
  }

  /** Ends an {@link #interrupt}: accepts connections again on the same port. */
  public void restore() {
    connector.setPort(port);
    try {
      connector.start();
    } catch (Exception e) {
      throw new IllegalStateException("Could not restart the connector of " + this, e);
    }
    LOG.info("DynamoDB Local at {} accepts connections again", endpoint());
  }

  /** Stops the server; its in-memory tables are gone. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Could not stop DynamoDB Local at " + endpoint(), e);
    } finally {
      handler.close();
    }
    LOG.info("DynamoDB Local stopped");
  }

  @Override
  public String toString() {
    return "DynamoDB Local at " + endpoint();
  }

  private static void stopQuietly(Server server, LocalDynamoDBServerHandler handler) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Could not stop DynamoDB Local after a failed start", e);
    } finally {
      handler.close();
    }
  }
}
