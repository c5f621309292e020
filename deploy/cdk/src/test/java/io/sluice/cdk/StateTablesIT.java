package io.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cdk.internal.StateTableSpec;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.DynamoDbConfig;
import io.sluice.embedded.EmbeddedDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The tables the stack creates are those sluice creates when absent: same names, same keys, and
 * none missing. Sluice creates them on DynamoDB Local; the stack's list is compared with what it
 * made, so a table added to sluice fails here until the stack has it too.
 */
class StateTablesIT {
  private static final String PREFIX = "sluice-orders-";

  @Test
  void stackTablesAreExactlyTheTablesSluiceCreates() {
    try (EmbeddedDynamoDb local = EmbeddedDynamoDb.start();
        DynamoDbClient client =
            DynamoDbClients.create(
                new DynamoDbConfig("eu-west-1", Optional.of(local.endpoint()), PREFIX, true))) {
      StateTables tables = new StateTables(PREFIX);
      tables.ensureExist(client);

      Map<String, String> created = new TreeMap<>();
      for (String name : client.listTablesPaginator(b -> {}).tableNames()) {
        TableDescription d = client.describeTable(b -> b.tableName(name)).table();
        assertThat(d.globalSecondaryIndexes()).as(name).isEmpty();
        assertThat(d.localSecondaryIndexes()).as(name).isEmpty();
        created.put(name, keys(d));
      }
      assertThat(
              client
                  .describeTimeToLive(b -> b.tableName(tables.leases()))
                  .timeToLiveDescription()
                  .timeToLiveStatusAsString())
          .isEqualTo("DISABLED");

      Map<String, String> stack = new TreeMap<>();
      for (StateTableSpec spec : StateTableSpec.ALL) {
        List<String> parts = new ArrayList<>();
        parts.add(spec.partitionKey().name() + ":" + spec.partitionKey().type() + ":HASH");
        spec.sortKey().ifPresent(k -> parts.add(k.name() + ":" + k.type() + ":RANGE"));
        stack.put(PREFIX + spec.suffix(), String.join(" ", parts));
      }
      assertThat(stack).isEqualTo(created);
      assertThat(StateTableSpec.ALL.stream().map(t -> PREFIX + t.suffix()).toList())
          .isEqualTo(tables.all());
    }
  }

  private static String keys(TableDescription d) {
    Map<String, String> types = new TreeMap<>();
    d.attributeDefinitions().forEach(a -> types.put(a.attributeName(), a.attributeTypeAsString()));
    List<String> parts = new ArrayList<>();
    for (KeySchemaElement k : d.keySchema()) {
      parts.add(k.attributeName() + ":" + types.get(k.attributeName()) + ":" + k.keyTypeAsString());
    }
    return String.join(" ", parts);
  }
}
