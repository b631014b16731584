package dev.keyhole.langchain4j;

import dev.keyhole.Keyhole;
import dev.keyhole.Redactor;
import dev.keyhole.redact.Detection;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.SecretDetector;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link InputGuardrail} for what users paste: a live value Keyhole knows is rewritten
 * to its handle (the conversation goes on, and the model sees {@code secret://name}), and a
 * credential Keyhole does <em>not</em> know but its detectors recognise (an AWS key, a GitHub or
 * Slack token, an {@code sk-} key, a PEM private key, a JWT, a keyword followed by a
 * high-entropy string) is refused before it reaches chat memory or the model, with a message that
 * says what was found — never the text — and what to do instead.
 *
 * <pre>{@code
 * Assistant assistant = KeyholeLangChain4j.builder(keyhole).chatModel(model)
 *     .aiServices(Assistant.class)
 *     .inputGuardrails(KeyholeInputGuardrail.create(keyhole))
 *     .build();
 * }</pre>
 *
 * <p>A refused message makes the AI-service call throw LangChain4j's {@code
 * InputGuardrailException}. Input guardrails run after retrieval augmentation: a RAG retriever sees
 * the user's text first. A message with several text parts is checked, but rewritten by Keyhole's
 * memory and model guards rather than here (LangChain4j's rewrite takes one text). Thread-safe.
 *
 * <p>Security: the message of a refusal names the kind of credential and the detector, never the
 * text; detectors are heuristics (see {@link Detectors}).
 */
public final class KeyholeInputGuardrail implements InputGuardrail {
  private final Redactor redactor;
  private final List<SecretDetector> detectors;

  private KeyholeInputGuardrail(Redactor redactor, List<SecretDetector> detectors) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.detectors = List.copyOf(detectors);
  }

  /** A guardrail with Keyhole's redactor and the default detectors ({@link Detectors#defaults()}). */
  public static KeyholeInputGuardrail create(Keyhole keyhole) {
    return create(keyhole.redactor(), Detectors.defaults());
  }

  /**
   * A guardrail that rewrites with {@code redactor} (Keyhole's, or one built on it) and refuses what
   * {@code detectors} find (an empty list refuses nothing).
   */
  public static KeyholeInputGuardrail create(Redactor redactor, List<SecretDetector> detectors) {
    return new KeyholeInputGuardrail(redactor, detectors);
  }

  @Override
  public InputGuardrailResult validate(UserMessage userMessage) {
    List<String> texts = new ArrayList<>();
    boolean changed = false;
    for (Content c : userMessage.contents()) {
      if (c instanceof TextContent t) {
        String safe = redactor.redact(t.text());
        @SuppressWarnings("ReferenceEquality") // redact() returns the same instance when clean
        boolean same = safe == t.text();
        changed |= !same;
        texts.add(safe);
      }
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (String text : texts) {
      for (SecretDetector d : detectors) {
        for (Detection hit : d.detect(text)) {
          kinds.add(hit.kind() + " (" + hit.detectorId() + ")");
        }
      }
    }
    if (!kinds.isEmpty()) {
      return fatal("Keyhole refused this message: it contains what looks like "
          + String.join(", ", kinds) + ", a credential Keyhole does not manage. The message was"
          + " not sent to the model or stored. Do not paste credentials into the chat: put it in"
          + " your secret store (keyhole migrate moves .env values there), grant it in the policy,"
          + " and refer to it by its handle (secret://name).");
    }
    if (changed && texts.size() == 1) {
      return successWith(texts.get(0));
    }
    return success();
  }

  @Override
  public String toString() {
    return "KeyholeInputGuardrail[detectors=" + detectors.stream().map(SecretDetector::id).toList()
        + "]";
  }
}
