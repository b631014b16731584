package dev.keyhole;

/** Keyhole was configured inconsistently (a scheme nobody serves, a duplicate id, a bad setting). */
public class ConfigurationException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }
}
