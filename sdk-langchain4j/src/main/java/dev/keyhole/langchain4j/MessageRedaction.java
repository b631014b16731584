package dev.keyhole.langchain4j;

import dev.keyhole.Redactor;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.audio.Audio;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.VideoContent;
import dev.langchain4j.data.pdf.PdfFile;
import dev.langchain4j.data.video.Video;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Redacts LangChain4j messages, requests and responses, then re-checks them and fails closed.
 *
 * <p>Text (message text, thinking, tool-call arguments, tool results, user names, string
 * attributes) is rewritten by the {@link Redactor}. Content that cannot be rewritten without
 * corrupting it (images, audio, video, PDFs, non-string attributes, unknown message types) is only
 * checked; if it holds a live value the whole operation is refused with {@link
 * SecretLeakBlockedException}. After rewriting, every text is checked again: a redactor that left a
 * value behind also blocks. Unchanged messages are returned as the same instance.
 */
final class MessageRedaction {
  private final Redactor redactor;

  MessageRedaction(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  Redactor redactor() {
    return redactor;
  }

  /**
   * The request with every message redacted, live values in tool descriptions and parameter
   * descriptions rewritten to their handles, and the rest of each tool specification and the
   * response format checked.
   */
  ChatRequest request(ChatRequest request) {
    List<ChatMessage> in = request.messages();
    List<ChatMessage> out = messages(in, "request to the model");
    ChatRequestParameters p = request.parameters();
    ChatRequestParameters safeParameters = p;
    if (p != null) {
      List<ToolSpecification> specs = p.toolSpecifications();
      if (specs != null) {
        List<ToolSpecification> safe = mapped(specs, (s, i) -> specification(s));
        if (safe != specs) {
          safeParameters = p.overrideWith(ChatRequestParameters.builder().toolSpecifications(safe)
              .build());
        }
      }
      if (p.responseFormat() != null && redactor.containsSecret(String.valueOf(p.responseFormat()))) {
        throw new SecretLeakBlockedException("request to the model: its response format");
      }
    }
    if (out == in && safeParameters == p) {
      return request;
    }
    return request.toBuilder().messages(out).parameters(safeParameters).build();
  }

  /**
   * A tool specification with live values in its description and its parameters' descriptions
   * rewritten to their handles (the same instance when it holds none).
   *
   * @throws SecretLeakBlockedException when a value remains elsewhere (a name, an enum value, a
   *     raw schema)
   */
  ToolSpecification specification(ToolSpecification s) {
    if (!redactor.containsSecret(s.toJson())) {
      return s;
    }
    ToolSpecification.Builder b = s.toBuilder();
    if (s.description() != null) {
      b.description(redactor.redact(s.description()));
    }
    if (s.parameters() != null) {
      b.parameters((JsonObjectSchema) schema(s.parameters()));
    }
    ToolSpecification safe = b.build();
    if (redactor.containsSecret(safe.toJson())) {
      throw new SecretLeakBlockedException("request to the model: the specification of tool '"
          + redactor.redact(s.name()) + "' (a value outside its descriptions)");
    }
    return safe;
  }

  /** A schema element with every description redacted (structure, names and enums unchanged). */
  private JsonSchemaElement schema(JsonSchemaElement e) {
    if (e instanceof JsonObjectSchema o) {
      JsonObjectSchema.Builder b = o.toBuilder().description(description(o.description()));
      Map<String, JsonSchemaElement> props = new LinkedHashMap<>();
      o.properties().forEach((k, v) -> props.put(k, schema(v)));
      b.addProperties(props);
      if (o.definitions() != null) {
        Map<String, JsonSchemaElement> defs = new LinkedHashMap<>();
        o.definitions().forEach((k, v) -> defs.put(k, schema(v)));
        b.definitions(defs);
      }
      return b.build();
    } else if (e instanceof JsonStringSchema x) {
      return JsonStringSchema.builder().description(description(x.description())).build();
    } else if (e instanceof JsonEnumSchema x) {
      return JsonEnumSchema.builder().enumValues(x.enumValues())
          .description(description(x.description())).build();
    } else if (e instanceof JsonIntegerSchema x) {
      return JsonIntegerSchema.builder().description(description(x.description())).build();
    } else if (e instanceof JsonNumberSchema x) {
      return JsonNumberSchema.builder().description(description(x.description())).build();
    } else if (e instanceof JsonBooleanSchema x) {
      return JsonBooleanSchema.builder().description(description(x.description())).build();
    } else if (e instanceof JsonArraySchema x) {
      return JsonArraySchema.builder().description(description(x.description()))
          .items(x.items() == null ? null : schema(x.items())).build();
    } else if (e instanceof JsonAnyOfSchema x) {
      List<JsonSchemaElement> anyOf = new ArrayList<>();
      x.anyOf().forEach(a -> anyOf.add(schema(a)));
      return JsonAnyOfSchema.builder().description(description(x.description())).anyOf(anyOf).build();
    }
    return e; // references, null and raw schemas carry no description to rewrite; checked after
  }

  private @Nullable String description(@Nullable String d) {
    return d == null ? null : redactor.redact(d);
  }

  /** The response with its AI message redacted. */
  // Deliberate identity check: ai() returns the same instance when nothing was redacted.
  @SuppressWarnings("ReferenceEquality")
  ChatResponse response(ChatResponse response) {
    AiMessage m = response.aiMessage();
    if (m == null) {
      return response;
    }
    AiMessage r = ai(m, "response from the model");
    return r == m ? response : response.toBuilder().aiMessage(r).build();
  }

  /** Every message redacted; the same list instance when nothing changed. */
  List<ChatMessage> messages(List<ChatMessage> in, String where) {
    return mapped(in, (m, i) -> message(m, where + ", message " + (i + 1)));
  }

  /**
   * {@code in} with each element replaced by {@code f(element, index)}; the same list instance
   * when {@code f} returned every element unchanged (by identity).
   */
  private static <T> List<T> mapped(List<T> in, BiFunction<T, Integer, T> f) {
    List<T> out = null;
    for (int i = 0; i < in.size(); i++) {
      T e = in.get(i);
      T r = f.apply(e, i);
      if (r != e && out == null) {
        out = new ArrayList<>(in.subList(0, i));
      }
      if (out != null) {
        out.add(r);
      }
    }
    return out == null ? in : out;
  }

  /** One message redacted (the same instance when nothing changed). */
  ChatMessage message(ChatMessage m, String where) {
    String at = where + " (" + m.type().name().toLowerCase(Locale.ROOT) + ")";
    if (m instanceof SystemMessage s) {
      String t = text(s.text(), at);
      return Objects.equals(t, s.text()) ? s : SystemMessage.from(t);
    }
    if (m instanceof UserMessage u) {
      return user(u, at);
    }
    if (m instanceof AiMessage a) {
      return ai(a, at);
    }
    if (m instanceof ToolExecutionResultMessage t) {
      return toolResult(t, at);
    }
    if (m instanceof CustomMessage c) {
      Map<String, Object> attrs = attributes(c.attributes(), at);
      return attrs == c.attributes() ? c : new CustomMessage(attrs);
    }
    check(m.toString(), at);
    return m;
  }

  private UserMessage user(UserMessage u, String at) {
    List<Content> contents = contents(u.contents(), at);
    String name = u.name() == null ? null : text(u.name(), at + ", name");
    Map<String, Object> attrs = attributes(u.attributes(), at);
    if (contents == u.contents() && Objects.equals(name, u.name()) && attrs == u.attributes()) {
      return u;
    }
    return u.toBuilder().contents(contents).name(name).attributes(attrs).build();
  }

  AiMessage ai(AiMessage a, String at) {
    String text = a.text() == null ? null : text(a.text(), at);
    String thinking = a.thinking() == null ? null : text(a.thinking(), at + ", thinking");
    List<ToolExecutionRequest> calls = toolCalls(a.toolExecutionRequests(), at);
    Map<String, Object> attrs = attributes(a.attributes(), at);
    if (Objects.equals(text, a.text()) && Objects.equals(thinking, a.thinking())
        && calls == a.toolExecutionRequests() && attrs == a.attributes()) {
      return a;
    }
    return a.toBuilder().text(text).thinking(thinking).toolExecutionRequests(calls)
        .attributes(attrs).build();
  }

  @Nullable List<ToolExecutionRequest> toolCalls(@Nullable List<ToolExecutionRequest> in, String at) {
    return in == null ? null : mapped(in, (r, i) -> toolCall(r, at + ", tool call " + (i + 1)));
  }

  ToolExecutionRequest toolCall(ToolExecutionRequest r, String at) {
    String args = r.arguments() == null ? null : text(r.arguments(), at + " arguments");
    String name = r.name() == null ? null : text(r.name(), at + " name");
    String id = r.id() == null ? null : text(r.id(), at + " id");
    if (Objects.equals(args, r.arguments()) && Objects.equals(name, r.name())
        && Objects.equals(id, r.id())) {
      return r;
    }
    return r.toBuilder().arguments(args).name(name).id(id).build();
  }

  private ToolExecutionResultMessage toolResult(ToolExecutionResultMessage t, String at) {
    List<Content> contents = contents(t.contents(), at);
    Map<String, Object> attrs = attributes(t.attributes(), at);
    String name = t.toolName() == null ? null : text(t.toolName(), at + ", tool name");
    if (contents == t.contents() && attrs == t.attributes() && Objects.equals(name, t.toolName())) {
      return t;
    }
    return t.toBuilder().contents(contents).attributes(attrs).toolName(name).build();
  }

  /** Contents with text redacted and other kinds checked; the same list when nothing changed. */
  @Nullable List<Content> contents(@Nullable List<Content> in, String at) {
    return in == null ? null : mapped(in, (c, i) -> {
      if (c instanceof TextContent tc) {
        String t = text(tc.text(), at);
        return t.equals(tc.text()) ? tc : TextContent.from(t);
      }
      check(binaryText(c), at + ", " + c.type().name().toLowerCase(Locale.ROOT) + " content");
      return c;
    });
  }

  /** Attributes with string values redacted and others checked; the same map when unchanged. */
  @Nullable Map<String, Object> attributes(@Nullable Map<String, Object> in, String at) {
    if (in == null || in.isEmpty()) {
      return in;
    }
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : in.entrySet()) {
      Object v = e.getValue();
      Object r = v;
      check(e.getKey(), at + ", attribute name");
      if (v instanceof String s) {
        r = text(s, at + ", attribute '" + e.getKey() + "'");
      } else if (v instanceof Image img) {
        check(mediaText(img.url(), img.base64Data()), at + ", attribute '" + e.getKey() + "'");
      } else if (v != null) {
        check(deepText(v), at + ", attribute '" + e.getKey() + "'");
      }
      if (r != v && out == null) {
        out = new LinkedHashMap<>(in);
      }
      if (out != null) {
        out.put(e.getKey(), r);
      }
    }
    return out == null ? in : out;
  }

  /** Redacts {@code t}, then fails closed if a value is still there. */
  String text(String t, String at) {
    String r = redactor.redact(t);
    check(r, at);
    return r;
  }

  void check(@Nullable String t, String at) {
    if (t != null && redactor.containsSecret(t)) {
      throw new SecretLeakBlockedException(at);
    }
  }

  private static String deepText(Object v) {
    if (v instanceof Iterable<?> it) {
      StringBuilder sb = new StringBuilder();
      for (Object o : it) {
        sb.append(o instanceof Image img ? mediaText(img.url(), img.base64Data()) : String.valueOf(o))
            .append('\n');
      }
      return sb.toString();
    }
    return String.valueOf(v);
  }

  /** The text of the text contents, one per line. */
  static String texts(List<Content> contents) {
    StringBuilder sb = new StringBuilder();
    for (Content c : contents) {
      if (c instanceof TextContent t) {
        sb.append(sb.length() == 0 ? "" : "\n").append(t.text());
      }
    }
    return sb.toString();
  }

  /** The URL and data of non-text content, for checking. */
  static String binaryText(Content c) {
    if (c instanceof ImageContent ic) {
      Image i = ic.image();
      return mediaText(i.url(), i.base64Data());
    }
    if (c instanceof AudioContent ac) {
      Audio a = ac.audio();
      return mediaText(a.url(), a.base64Data());
    }
    if (c instanceof VideoContent vc) {
      Video v = vc.video();
      return mediaText(v.url(), v.base64Data());
    }
    if (c instanceof PdfFileContent pc) {
      PdfFile p = pc.pdfFile();
      return mediaText(p.url(), p.base64Data());
    }
    return String.valueOf(c);
  }

  private static String mediaText(@Nullable URI url, @Nullable String base64) {
    return (url == null ? "" : url.toString()) + "\n" + (base64 == null ? "" : base64);
  }
}
