package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The one destination parser agrees with the clients: for tricky inputs, the host and port that
 * {@link Destination#parse} approves are the ones {@link URI} and the JDK HTTP client would
 * contact, or the input is refused (by the parser, or by the client itself, which then contacts
 * nothing).
 */
class DestinationProperties {

  @Provide
  Arbitrary<String> trickyAuthorities() {
    Arbitrary<String> label = Arbitraries.of("api", "github", "com", "evil", "example", "x", "127",
        "0", "1", "localhost", "xn--bcher-kva", "bücher", "EXAMPLE", "a-b", "");
    Arbitrary<String> sep = Arbitraries.of(".", ".", ".", "@", ":", ":@", "\\", "\\\\", "#", "?",
        "/", " ", "%2e", "%40", "..", ":443", ":8443", ":0", ":65536", ":-1", ":x", "[", "]", "::1",
        "\t", "\u3002", "%00", "_");
    Arbitrary<String> piece = Combinators.combine(label, sep).as((l, s) -> l + s);
    return piece.list().ofMinSize(1).ofMaxSize(6).map(ps -> String.join("", ps))
        .map(s -> s.endsWith(".") || s.isEmpty() ? s + "x" : s);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "https://", "http://", "HTTPS://", "https://user@", "https://a:b@");
  }

  @Property(tries = 3000)
  @StatisticsReport(onFailureOnly = true)
  void approvedDestination_isWhatTheClientContacts(@ForAll("prefixes") String prefix,
      @ForAll("trickyAuthorities") String authority) {
    Statistics.coverage(c -> c.check("approved").percentage(p -> p >= 2));
    String input = prefix + authority;
    Destination d;
    try {
      d = Destination.parse(input);
    } catch (InvalidDestinationException refused) {
      Statistics.collect("refused");
      return; // refused: nothing is sent
    }
    Statistics.collect("approved");
    // A tool builds a URL from a bare host the usual way; a URL is used as given.
    String url = input.contains("://") ? input : "https://" + input;
    URI uri;
    try {
      uri = new URI(url + (url.endsWith("/") ? "" : "/"));
      HttpRequest.newBuilder(uri).build();
    } catch (URISyntaxException | IllegalArgumentException clientRefused) {
      return; // the client refuses it and contacts nothing
    }
    if (uri.getHost() == null) {
      return; // no host: the JDK client contacts nothing
    }
    assertThat(uri.getRawUserInfo()).as(input).isNull();
    assertThat(Destination.normalizeHost(uri.getHost())).as(input).isEqualTo(d.host());
    int port = uri.getPort() >= 0 ? uri.getPort()
        : uri.getScheme().toLowerCase(Locale.ROOT).equals("http") ? 80 : 443;
    assertThat(port).as(input).isEqualTo(d.port());
    assertThat(uri.getScheme().toLowerCase(Locale.ROOT)).as(input).isEqualTo(d.scheme());
  }

  @Property(tries = 500)
  void parse_isIdempotentOnItsOwnOutput(@ForAll("prefixes") String prefix,
      @ForAll("trickyAuthorities") String authority) {
    Destination d;
    try {
      d = Destination.parse(prefix + authority);
    } catch (InvalidDestinationException refused) {
      return;
    }
    assertThat(Destination.parse(d.toString())).isEqualTo(d);
  }
}
