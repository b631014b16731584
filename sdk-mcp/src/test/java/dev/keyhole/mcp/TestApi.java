package dev.keyhole.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The protected API the agent calls with {@code http_request}: {@code GET /user} answers with the
 * Authorization header it received (an API that echoes the credential, as some do in errors), and
 * {@code /evil} stands for the attacker's endpoint.
 */
final class TestApi {
  private TestApi() {}

  static WireMockServer start() {
    WireMockServer api = new WireMockServer(
        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    api.start();
    api.stubFor(get(urlPathEqualTo("/user")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"login\":\"octo\",\"seen\":\"{{request.headers.Authorization}}\"}")
        .withTransformers("response-template")));
    api.stubFor(any(urlPathEqualTo("/evil")).willReturn(aResponse().withStatus(200)));
    return api;
  }
}
