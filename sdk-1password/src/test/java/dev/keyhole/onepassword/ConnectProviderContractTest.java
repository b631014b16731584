package dev.keyhole.onepassword;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.testkit.SecretProviderContractTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The provider contract kit against a WireMock Connect speaking Connect's JSON. */
class ConnectProviderContractTest extends SecretProviderContractTest<OnePasswordConnectProvider> {
  private WireMockServer wm;
  private ConnectWorld world;
  private ObjectNode vault;
  private ObjectNode locked;

  @Override
  protected OnePasswordConnectProvider createProvider() {
    wm = new WireMockServer(options().dynamicPort().notifier(ConnectProviderTest.QUIET));
    wm.start();
    world = new ConnectWorld();
    vault = world.vault("Contract");
    locked = world.vault("Locked");
    world.vault("Flaky");
    install();
    return OnePasswordConnectProvider.builder().host(wm.baseUrl())
        .token(SecretValue.ofString(Fakes.token())).callTimeout(Duration.ofSeconds(5)).build();
  }

  private synchronized void install() {
    world.install(wm);
    String lockedId = locked.get("id").asText();
    wm.stubFor(get(urlPathEqualTo("/v1/vaults/" + lockedId + "/items")).atPriority(0)
        .willReturn(ConnectWorld.error(403, "Authorization: Token doesn't have access to vault " + lockedId)));
    wm.stubFor(get(urlPathEqualTo("/v1/vaults/" + world.vaultId("Flaky") + "/items")).atPriority(0)
        .willReturn(ConnectWorld.error(503, "Service Unavailable: sync in progress")));
  }

  @AfterEach
  void stopServer() {
    wm.stop();
  }

  @Override
  protected synchronized SecretRef seed(String name, String value) {
    ConnectWorld.Item item = world.item(vault, name, "PASSWORD");
    item.field(null, "password", "password", "CONCEALED", "PASSWORD", value);
    install();
    return SecretRef.parse("op://Contract/" + name + "/password");
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("op://Contract/no-such-item/password");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("op://Contract/only-two", "op://Contract/it@m/password", "op://a/b/c?attribute=colour",
        "op://a/b/c/d/e", "op:///b/c");
  }

  @Override
  protected Optional<SecretRef> deniedRef() {
    return Optional.of(SecretRef.parse("op://Locked/anything/password"));
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    return Optional.of(SecretRef.parse("op://Flaky/anything/password"));
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
